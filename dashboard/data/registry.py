"""Municipality registry: turns the names people type into kommunenummer, or says why it can't."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import pandas as pd
from rapidfuzz import fuzz, process

KOMMUNENUMMER_PATTERN = re.compile(r"^\d{4}$")
REGISTRY_COLUMNS = ("kommunenummer", "kommune", "fylkesnummer", "fylke")
ALIAS_COLUMNS = ("alias", "kommunenummer", "note")

# Scores are rapidfuzz ratios (0-100); below the cutoff a "closest name" is noise, not help,
# and a name far behind the best match only distracts from it.
SUGGESTION_CUTOFF = 60.0
SUGGESTION_MARGIN = 10.0
SUGGESTION_LIMIT = 3

_DASHES = re.compile(r"[-‐‑‒–—]")
_PARENS = re.compile(r"[()]")
_SPACES = re.compile(r"\s+")


def normalize_name(text: str) -> str:
    """Key for comparing names: case, spacing, hyphens and brackets don't matter.

    >>> normalize_name("  sør  AURDAL ") == normalize_name("Sør-Aurdal")
    True
    """
    text = _DASHES.sub(" ", str(text))
    text = _PARENS.sub(" ", text)
    return _SPACES.sub(" ", text).strip().casefold()


class MunicipalityNameError(LookupError):
    """Base for names the registry cannot turn into one kommunenummer.

    `reason` is the Norwegian explanation without suggestions, `choices` the valid names to
    offer (closest names, or the candidates of an ambiguous name); str() gives both.
    """

    def __init__(self, value: str, reason: str, choices: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.value = value
        self.reason = reason
        self.choices = choices

    def __str__(self) -> str:
        if isinstance(self, UnknownMunicipality) and self.choices:
            return f"{self.reason}. Mente du {quote_list(self.choices)}?"
        return self.reason


class UnknownMunicipality(MunicipalityNameError):
    """No municipality has this name; `choices` are the closest valid names (may be empty)."""


class AmbiguousMunicipality(MunicipalityNameError):
    """Several municipalities share this name (Våler, Herøy); `choices` are the full names."""


def closest_names(value: str, names: Mapping[str, str], limit: int = SUGGESTION_LIMIT) -> tuple[str, ...]:
    """Display names whose normalized key is closest to `value` (best first).

    `names` maps normalized key -> display name. Shared by municipality, service and column
    look-ups so every "Mente du …?" is computed the same way.
    """
    key = normalize_name(value)
    if not key or not names:
        return ()
    matches = process.extract(key, list(names), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=SUGGESTION_CUTOFF)
    seen: list[str] = []
    best = matches[0][1] if matches else 0.0
    for match_key, score, _index in matches:
        if score < best - SUGGESTION_MARGIN:
            break
        display = names[match_key]
        if display not in seen:
            seen.append(display)
        if len(seen) == limit:
            break
    return tuple(seen)


def quote_list(names: tuple[str, ...]) -> str:
    """«a», «b» eller «c» — the Norwegian way to offer choices."""
    quoted = [f"«{name}»" for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " eller " + quoted[-1]


@dataclass(frozen=True, eq=False)
class Registry:
    """All municipalities of one structure (2020 or 2024) and every accepted spelling of their names.

    Built once from geodata/kommuner-<year>.csv and its aliases; look-ups are dict hits. A
    registry linked to the other structure (`linked`) also accepts that structure's names and
    numbers where the municipality maps one to one, and says so (`resolve_noted`).
    """

    municipalities: pd.DataFrame
    aliases: pd.DataFrame
    _by_key: Mapping[str, tuple[str, ...]] = field(repr=False)
    _names: Mapping[str, str] = field(repr=False)
    _suggestion_keys: Mapping[str, str] = field(repr=False)
    structure: str = "2020"
    # The other structure's registry (unlinked) and its numbers -> ours, one to one only.
    other: "Registry | None" = field(default=None, repr=False)
    _from_other: Mapping[str, str] = field(default_factory=dict, repr=False)
    # Ours -> the 2024 number ("" where a 2020 municipality was split: Ålesund 1507).
    _numbers_2024: Mapping[str, str] = field(default_factory=dict, repr=False)
    # The splits of 2024, 2024 number -> 2020 number (Ålesund 1507 -> Ålesund 1508 and Haram 1580).
    _splits: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_frames(
        cls, municipalities: pd.DataFrame, aliases: pd.DataFrame | None = None, structure: str = "2020"
    ) -> "Registry":
        """Index the registry; raises ValueError on a structurally broken registry.

        The loader validates the files first and reports problems row by row; this check only
        guards against building an index that would silently map a name to the wrong number.
        """
        municipalities = municipalities.loc[:, list(REGISTRY_COLUMNS)].astype(str).reset_index(drop=True)
        if aliases is None:
            aliases = pd.DataFrame(columns=list(ALIAS_COLUMNS))
        aliases = aliases.reindex(columns=list(ALIAS_COLUMNS)).fillna("").astype(str).reset_index(drop=True)

        names = dict(zip(municipalities["kommunenummer"], municipalities["kommune"]))
        if len(names) != len(municipalities):
            raise ValueError("registeret har samme kommunenummer flere ganger")

        by_key: dict[str, set[str]] = {}

        def add(key: str, knr: str) -> None:
            if key:
                by_key.setdefault(key, set()).add(knr)

        for knr, display in names.items():
            add(normalize_name(display), knr)
            # "Våler (Viken)" is also plain "Våler" (ambiguous on purpose); "Kárášjohka - Karasjok"
            # is also each of its parts.
            base = display.split("(")[0]
            add(normalize_name(base), knr)
            for part in re.split(r"\s+-\s+", base):
                add(normalize_name(part), knr)
        for alias, knr in zip(aliases["alias"], aliases["kommunenummer"]):
            if knr not in names:
                raise ValueError(f"alias «{alias}» peker på ukjent kommunenummer «{knr}»")
            key = normalize_name(alias)
            if key in by_key and by_key[key] != {knr}:
                raise ValueError(f"alias «{alias}» er allerede navnet på en annen kommune")
            add(key, knr)

        frozen = {key: tuple(sorted(knrs)) for key, knrs in by_key.items()}
        suggestion_keys = {normalize_name(display): display for display in names.values()}
        return cls(
            municipalities=municipalities,
            aliases=aliases,
            _by_key=MappingProxyType(frozen),
            _names=MappingProxyType(names),
            _suggestion_keys=MappingProxyType(suggestion_keys),
            structure=structure,
        )

    def linked(
        self, other: "Registry", from_other: Mapping[str, str], numbers_2024: Mapping[str, str], splits: Mapping[str, str]
    ) -> "Registry":
        """This registry, also accepting `other`'s names and numbers (mapped one to one by `from_other`).

        `splits` maps a 2024 number to the 2020 number it was split from, to name the choices.
        """
        plain = replace(other, other=None, _from_other=MappingProxyType({}))
        return replace(
            self,
            other=plain,
            _from_other=MappingProxyType(dict(from_other)),
            _numbers_2024=MappingProxyType(dict(numbers_2024)),
            _splits=MappingProxyType(dict(splits)),
        )

    def from_other(self, kommunenummer: str) -> str | None:
        """Our number for the other structure's `kommunenummer` (one to one), else None."""
        return self._from_other.get(kommunenummer)

    def split_parts(self, kommunenummer_2020: str) -> tuple[str, ...]:
        """The 2024 numbers a 2020 municipality was split into (empty when it was not split)."""
        return tuple(new for new, old in self._splits.items() if old == kommunenummer_2020)

    def number_2024(self, kommunenummer: str) -> str:
        """The 2024 number of one of ours ("" where the municipality was split, or unknown)."""
        if self.structure == "2024":
            return kommunenummer
        return self._numbers_2024.get(kommunenummer, "")

    def number_in(self, kommunenummer: str, structure: str) -> str:
        """The number in `structure` ("2020"/"2024") of one of ours ("" where there is none).

        2020 -> 2024 as `number_2024`; 2024 -> 2020 gives the municipality the area belonged to
        in 2020, so Haram 1580 and Ålesund 1508 both give Ålesund 1507 (as the survey names it).
        """
        if structure == self.structure:
            return kommunenummer
        if structure == "2024":
            return self.number_2024(kommunenummer)
        back = {new: old for old, new in self._from_other.items()}
        return back.get(kommunenummer) or self._splits.get(kommunenummer, "")

    @classmethod
    def from_files(cls, registry_csv: Path, aliases_csv: Path | None = None) -> "Registry":
        """Read the registry CSV files (all columns as text, so "0301" keeps its zero)."""
        municipalities = pd.read_csv(registry_csv, dtype=str, keep_default_na=False)
        aliases = None
        if aliases_csv is not None and Path(aliases_csv).exists():
            aliases = pd.read_csv(aliases_csv, dtype=str, keep_default_na=False)
        return cls.from_frames(municipalities, aliases)

    def __contains__(self, kommunenummer: object) -> bool:
        return kommunenummer in self._names

    def __len__(self) -> int:
        return len(self._names)

    def name_of(self, kommunenummer: str) -> str:
        """Display name ("Våler (Viken)"); KeyError for a number not in the registry."""
        return self._names[kommunenummer]

    def names_of(self, kommunenummer: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """Display names for several numbers, same order."""
        return tuple(self._names[knr] for knr in kommunenummer)

    def closest(self, value: str, limit: int = SUGGESTION_LIMIT) -> tuple[str, ...]:
        """The valid display names closest to `value`, best first (empty when nothing is close)."""
        return closest_names(value, self._suggestion_keys, limit)

    def resolve(self, name: str) -> str:
        """Kommunenummer for a name, alias or 4-digit number (of the other structure too, when linked).

        Raises AmbiguousMunicipality (plain "Våler"/"Herøy") or UnknownMunicipality, both with a
        Norwegian message naming the choices; never guesses.
        """
        return self.resolve_noted(name)[0]

    def resolve_noted(self, name: str) -> tuple[str, str | None]:
        """(kommunenummer, notice): the notice says when a name or number of the other structure
        was read as ours ("3005" in a 2024 register is Drammen 3301). A municipality that did not
        map one to one (Ålesund 1507, split into Ålesund 1508 and Haram 1580) is an error naming
        the choices."""
        try:
            return self._resolve_own(name), None
        except UnknownMunicipality as error:
            if self.other is None:
                raise
            try:
                theirs = self.other._resolve_own(name)
            except MunicipalityNameError:
                raise error from None
        value = str(name).strip()
        ours = self._from_other.get(theirs)
        their_name = f"{self.other.name_of(theirs)} ({theirs})"
        if ours is None:
            if self.structure == "2024":  # a 2020 municipality that was split: name its parts
                choices = tuple(self._names[new] for new, old in self._splits.items() if old == theirs and new in self._names)
            else:  # a part of a split: name the 2020 municipality it belonged to
                old = self._splits.get(theirs)
                choices = (self._names[old],) if old in self._names else ()
            reason = f"«{value}» er {their_name} i kommunestrukturen {self.other.structure}, som ikke svarer til én kommune i {self.structure}"
            raise UnknownMunicipality(value, reason, choices)
        notice = f"«{value}» er {their_name} i kommunestrukturen {self.other.structure}; lest som {self.name_of(ours)} ({ours}) i {self.structure}"
        return ours, notice

    def _resolve_own(self, name: str) -> str:
        value = str(name).strip()
        if KOMMUNENUMMER_PATTERN.match(value):
            if value in self._names:
                return value
            raise UnknownMunicipality(value, f"ukjent kommunenummer «{value}»")
        if value.isdigit() and len(value) < 4 and value.zfill(4) in self._names:
            # Excel drops leading zeros; say so instead of silently padding.
            reason = f"kommunenummer må ha fire sifre, «{value}» har {len(value)}"
            raise UnknownMunicipality(value, reason, (value.zfill(4),))
        matches = self._by_key.get(normalize_name(value), ())
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            choices = self.names_of(matches)
            reason = f"«{value}» kan være flere kommuner: skriv {quote_list(choices)}"
            raise AmbiguousMunicipality(value, reason, choices)
        if not value:
            raise UnknownMunicipality(value, "kommunenavn mangler")
        raise UnknownMunicipality(value, f"ukjent kommune «{value}»", self.closest(value))
