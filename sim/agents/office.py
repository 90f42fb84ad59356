"""``Office``: a Nav office, the advisors who take its youths.

Not an agent (an office decides nothing of its own in this model); it is where a youth
waiting for an advisor is placed, with the advisor of the wanted role whose portfolio is
smallest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.agents.advisor import Advisor


class Office:
    """The advisors of one office, in id order (the order ties are broken in)."""

    def __init__(self, office_id: int, advisors: list[Advisor]) -> None:
        self.office_id = office_id
        self.advisors = sorted(advisors, key=lambda a: a.advisor_id)

    def least_loaded(self, role: int, cap: int = 0) -> Advisor | None:
        """The active advisor of ``role`` with the smallest portfolio (youths and older users;
        lowest id on ties); with ``cap > 0`` only advisors whose portfolio is below the cap.
        None if there is none."""
        best: Advisor | None = None
        for advisor in self.advisors:
            if not advisor.active or advisor.role_code != role:
                continue
            load = advisor.portfolio
            if cap > 0 and load >= cap:
                continue
            if best is None or load < best.portfolio:
                best = advisor
        return best

    def hire(self) -> Advisor | None:
        """Fill the office's next free hire slot (``hire`` cap policy); None if none is left."""
        for advisor in self.advisors:
            if advisor.hired and not advisor.active:
                advisor.active = True
                return advisor
        return None
