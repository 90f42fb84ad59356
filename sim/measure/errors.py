"""Why a statistic has no value: the run does not cover it, or the model does not simulate it."""

from __future__ import annotations


class NotMeasurable(Exception):
    """The run does not cover what the statistic needs (e.g. a window past its end).

    Raised before any value is computed, so a statistic is either measured exactly as
    defined or reported as not measured, never measured on a truncated window.
    """


class NotInModel(NotMeasurable):
    """The statistic needs a state or an event the model does not simulate at all.

    For example the kvalifiseringsprogram (benefit ``kvp``), or the arrival of older users
    and advisors' first contacts with them. The metric is defined and implemented over the
    events it needs; the run simply has none of them, so a number would be made up.
    """
