"""Boilerplate detection: the seeds' four lines and general rules, never ordinary prose."""

from __future__ import annotations

import pytest

from alinea.boilerplate import is_boilerplate

CASES = [
    # the seeds' boilerplate
    (
        'Leia Também: Vladimir Putin "aprecia apoio" da Coreia do Norte à política da Rússia',
        "pt",
        True,
    ),
    ("TODOS LOS DERECHOS RESERVADOS © Copyright ANSA", "es", True),
    (
        'Podés leer: Putin dice que es un "total disparate" pensar en un ataque de Rusia a Europa',
        "es",
        True,
    ),
    (
        'Te puede interesar: Milei en la Cumbre por la Paz brindó su apoyo "al amigo Zelenski"',
        "es",
        True,
    ),
    # other lines of the same kinds
    ("Veja também: Lula recebe Macron em Brasília", "pt", True),
    ("SAIBA MAIS: o que muda com o novo acordo", "pt", True),
    ("Lee también | Biden anuncia nuevas sanciones contra Moscú", "es", True),
    ("También te puede interesar: Las claves del tratado", "es", True),
    ("Foto: Reuters/Kim Hong-Ji", "es", True),
    ("© 2024 Agência Lusa. Todos os direitos reservados.", "pt", True),
    ("Todos os direitos reservados.", "pt", True),
    ("Publicidade", "pt", True),
    ("Continúa después de la publicidad", "es", True),
    ("Read more: Putin arrives in Pyongyang", "en", True),
    ("Lire aussi : Poutine en Corée du Nord", "fr", True),
    # prose that looks a little like it
    ("Putin disse: a cooperação técnico-militar não está excluída.", "pt", False),
    ('Kim declaró: "Rusia es nuestro mejor amigo".', "es", False),
    ("Leia-se o acordo como um sinal para Washington, disse o analista.", "pt", False),
    (
        "Los derechos de los ciudadanos fueron reservados para otra discusión en el parlamento ruso.",
        "es",
        False,
    ),
    ("El presidente ruso viajó a Corea del Norte donde llegó a un acuerdo de apoyo.", "es", False),
    (
        "Publicidade enganosa foi um dos temas discutidos pelos dois líderes durante a cimeira.",
        "pt",
        False,
    ),
    (
        "Fuente de tensión: la península coreana sigue dividida desde 1953 y ambos lados se arman.",
        "es",
        False,
    ),
    (
        "Mira hacia el este: Rusia busca nuevos aliados en Asia tras la invasión de Ucrania",
        "es",
        False,
    ),
]


@pytest.mark.parametrize(("line", "lang", "expected"), CASES)
def test_boilerplate_table(line: str, lang: str, expected: bool) -> None:
    assert is_boilerplate(line, lang) is expected


def test_unknown_language_uses_every_cue_table() -> None:
    assert is_boilerplate("Te puede interesar: algo", "gl")
    assert not is_boilerplate("Unha frase normal sobre o tratado.", "gl")
