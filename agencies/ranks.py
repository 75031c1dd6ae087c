"""Where a directory's rank, written in the agency's own words, falls in the product's one rank
order (agencies.choices.Rank, lowest first).

A directory writes "Sgt.", "Police Officer", "Detective Sergeant" or "Deputy Chief of Police";
each is read as the rank its last, longest known name says. A rank the product cannot place
(say "Civilian", or an empty one) meets no minimum rank."""

import re

from .choices import Rank

# The words each rank goes by. A lieutenant colonel is a deputy chief (SLMPD's Deputy Chief of
# the Bureau of Community Policing holds both titles); a colonel is the chief of police.
NAMES: dict[Rank, tuple[str, ...]] = {
    Rank.OFFICER: (
        "officer", "patrol officer", "patrolman", "patrolwoman", "ofc", "po",
        "detective", "det", "investigator", "trooper", "deputy",
    ),
    Rank.CORPORAL: ("corporal", "cpl"),
    Rank.SERGEANT: ("sergeant", "sgt"),
    Rank.LIEUTENANT: ("lieutenant", "lt", "lieut"),
    Rank.CAPTAIN: ("captain", "capt", "cpt"),
    Rank.MAJOR: ("major", "maj"),
    Rank.DEPUTY_CHIEF: (
        "deputy chief", "assistant chief", "lieutenant colonel", "lt col", "ltc",
    ),
    Rank.CHIEF: ("chief", "colonel", "col"),
}  # fmt: skip

ORDER: list[Rank] = list(Rank)
# Words that say whose rank it is, not which: "Chief of Police" is a chief.
_NOISE = {"of", "the", "police", "department", "pd"}
_PHRASES = sorted(
    ((name.split(), rank) for rank, names in NAMES.items() for name in names),
    key=lambda item: -len(item[0]),
)


def words(text: str) -> list[str]:
    """Lower-case words, without punctuation: "Lt. Col." is ["lt", "col"]."""
    return re.findall(r"[a-z0-9]+", (text or "").lower())


def rank_of(text: str) -> Rank | None:
    """The rank a directory entry's text names, or None when it names none the product knows.
    The last name in the text wins, and of two ending together the longer: "Detective
    Sergeant" is a sergeant, "Deputy Chief" a deputy chief."""
    found = [w for w in words(text) if w not in _NOISE]
    best: tuple[int, int, Rank] | None = None
    for phrase, rank in _PHRASES:
        n = len(phrase)
        for start in range(len(found) - n + 1):
            if found[start : start + n] == phrase:
                key = (start + n, n, rank)
                if best is None or key[:2] > best[:2]:
                    best = key
    return best[2] if best else None


def at_least(rank: Rank, minimum: Rank) -> bool:
    return ORDER.index(rank) >= ORDER.index(minimum)


def names_unit(unit: str, entry: str) -> bool:
    """Whether a directory unit ("Homicide Unit", "Internal Affairs Division") is the unit a
    policy names ("Homicide", "Internal Affairs"): the entry's words, in order, within it."""
    have, want = words(unit), words(entry)
    if not want:
        return False
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))
