"""IANA time zones (``Europe/Paris``) -> UTC offsets in seconds, through zoneinfo and tzdata.

zoneinfo works within years 1 to 9999; FEEL dates go far beyond. Outside that window a
zone keeps the offset it has at the window's edge, so that converting local time to an
instant and back always gives the same local time.
"""

from __future__ import annotations

import datetime as _dt
import functools
import zoneinfo

_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
# Edges kept a day inside datetime's range so that offsets never push past it.
_MIN_SECONDS = int((_dt.datetime(1, 1, 2) - _EPOCH).total_seconds())
_MAX_SECONDS = int((_dt.datetime(9999, 12, 30) - _EPOCH).total_seconds())


@functools.lru_cache(maxsize=1024)
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def is_zone(name: str) -> bool:
    """Whether ``name`` is a known IANA zone id."""
    return _zone(name) is not None


def _offset(delta: _dt.timedelta | None) -> int:
    return int(delta.total_seconds()) if delta is not None else 0


def offset_at_local(name: str, local_seconds: int) -> int:
    """The UTC offset of zone ``name`` at a local wall-clock time (seconds since 1970-01-01).

    A wall-clock time skipped by a daylight-saving jump takes the offset before the jump;
    a repeated one takes the earlier of its two instants.
    """
    zone = _zone(name)
    if zone is None:
        raise ValueError(f"unknown time zone {name!r}")
    seconds = min(max(local_seconds, _MIN_SECONDS), _MAX_SECONDS)
    local = (_EPOCH + _dt.timedelta(seconds=seconds)).replace(tzinfo=zone)
    return _offset(local.utcoffset())


def offset_at_instant(name: str, utc_seconds: int) -> int:
    """The UTC offset of zone ``name`` at an instant (seconds since 1970-01-01T00:00Z)."""
    zone = _zone(name)
    if zone is None:
        raise ValueError(f"unknown time zone {name!r}")
    seconds = min(max(utc_seconds, _MIN_SECONDS), _MAX_SECONDS)
    instant = _EPOCH_UTC + _dt.timedelta(seconds=seconds)
    return _offset(instant.astimezone(zone).utcoffset())
