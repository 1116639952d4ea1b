"""The as-of day, the only reading of the clock: resolved once at the edge and passed down."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
#: Days the rules can be evaluated on: room for a window and a review cycle on either side.
EARLIEST, LATEST = date(1900, 1, 1), date(9998, 12, 31)


def as_of_day(option: str | date | None) -> date:
    """The given day, else ``SOURCE_DATE_EPOCH``'s day in UTC, else today.

    Raises ``ValueError`` with a message a person reads when either is malformed.
    """
    if isinstance(option, date):
        return _in_range(option, str(option))
    if option is not None:
        day = _parse_day(option)
        if day is None:
            raise ValueError(f"'{option}' is not a date written YYYY-MM-DD")
        return _in_range(day, f"'{option}'")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH: '{epoch}' is not a whole number") from None
        try:
            day = datetime.fromtimestamp(seconds, tz=UTC).date()
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"SOURCE_DATE_EPOCH: {epoch} is out of range") from None
        return _in_range(day, f"SOURCE_DATE_EPOCH: {epoch}")
    return date.today()


def _parse_day(text: str) -> date | None:
    if not _ISO_DAY.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _in_range(day: date, shown: str) -> date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{shown} is out of range ({EARLIEST} to {LATEST})")
    return day
