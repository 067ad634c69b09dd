"""Municipality registry: turns the names people type into kommunenummer, or says why it can't."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    """All municipalities of 2020 and every accepted spelling of their names.

    Built once from geodata/kommuner-2020.csv and geodata/aliases.csv; look-ups are dict hits.
    """

    municipalities: pd.DataFrame
    aliases: pd.DataFrame
    _by_key: Mapping[str, tuple[str, ...]] = field(repr=False)
    _names: Mapping[str, str] = field(repr=False)
    _suggestion_keys: Mapping[str, str] = field(repr=False)

    @classmethod
    def from_frames(cls, municipalities: pd.DataFrame, aliases: pd.DataFrame | None = None) -> "Registry":
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
        )

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
        """Kommunenummer for a name, alias or 4-digit number.

        Raises AmbiguousMunicipality (plain "Våler"/"Herøy") or UnknownMunicipality, both with a
        Norwegian message naming the choices; never guesses.
        """
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
