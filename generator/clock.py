"""The as-of day, the only reading of the clock: resolved once at the edge and passed down."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
#: Days the rules can be evaluated on: room for a window and a review cycle on either side.
EARLIEST, LATEST = date(1900, 1, 1), date(9998, 12, 31)


def as_of_day(option: str | date | None) -> date:
    """The given day, else ``SOURCE_DATE_EPOCH``'s day in UTC, else today.

    Raises ``ValueError`` with a message a person reads when either is malformed.
    """
    if isinstance(option, date):
        return _in_range(option, str(option))
    if option is not None:
        return _in_range(_parse_day(option), f"'{option}'")
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


def _parse_day(text: str) -> date:
    """A day written ``YYYY-MM-DD`` that exists in the calendar; else a ``ValueError`` that
    says which of the two it is not."""
    written = _ISO_DAY.match(text)
    if written is None:
        raise ValueError(f"'{text}' is not a date written YYYY-MM-DD")
    year, month, day = (int(part) for part in written.groups())
    if not EARLIEST.year <= year <= LATEST.year:
        raise ValueError(f"'{text}' is out of range ({EARLIEST} to {LATEST})")
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' does not exist: there is no month {written.group(2)}")
    length = _month_length(year, month)
    if not 1 <= day <= length:
        raise ValueError(f"'{text}' does not exist: {_MONTHS[month - 1]} {year} has {length} days")
    return date(year, month, day)


def _month_length(year: int, month: int) -> int:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (following - date(year, month, 1)).days


def _in_range(day: date, shown: str) -> date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{shown} is out of range ({EARLIEST} to {LATEST})")
    return day
