"""Why a statistic has no value: the run does not cover it."""

from __future__ import annotations


class NotMeasurable(Exception):
    """The run does not cover what the statistic needs (e.g. a window past its end).

    Raised before any value is computed, so a statistic is either measured exactly as
    defined or reported as not measured, never measured on a truncated window.
    """

