"""The as-of day, the only reading of the clock: resolved once at the edge and passed down."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def as_of_day(option: str | date | None) -> date:
    """The given day, else ``SOURCE_DATE_EPOCH``'s day in UTC, else today.

    Raises ``ValueError`` with a message a person reads when either is malformed.
    """
    if isinstance(option, date):
        return option
    if option is not None:
        try:
            return date.fromisoformat(option)
        except ValueError:
            raise ValueError(f"'{option}' is not a date written YYYY-MM-DD") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH: '{epoch}' is not a whole number") from None
    return date.today()
