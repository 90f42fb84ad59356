"""Agents of the numba engine: thin ``mesa.Agent`` views over the struct-of-arrays tables.

A view holds only its row number; every attribute reads the current array element, so a
view made once stays true as the model steps. Views are made on demand
(``NavModel.materialize_agents``): the engine itself never needs them.
"""

from __future__ import annotations

import mesa

from sim.codes import BENEFIT, INNSATSGRUPPE, LABOUR_ATTACHMENT, QUEUE_STATE, ROLE, STATUS


class YouthView(mesa.Agent):
    """A young user, read from the numba engine's tables."""

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def _t(self):
        return self.model.engine.youths

    @property
    def youth_id(self) -> int:
        return self.row

    @property
    def status(self) -> str:
        return STATUS[self._t.status[self.row]]

    @property
    def innsatsgruppe(self) -> str | None:
        g = int(self._t.group[self.row])
        return INNSATSGRUPPE[g] if g >= 0 else None

    @property
    def true_need(self) -> str:
        return INNSATSGRUPPE[self._t.need[self.row]]

    @property
    def advisor(self) -> int:
        return int(self._t.advisor[self.row])

    @property
    def benefit(self) -> str:
        return BENEFIT[self._t.benefit[self.row]]

    @property
    def tiltak(self) -> str:
        return QUEUE_STATE[self._t.tiltak[self.row]]

    @property
    def treatment(self) -> str:
        return QUEUE_STATE[self._t.treatment[self.row]]

    @property
    def labour_attachment(self) -> str:
        return LABOUR_ATTACHMENT[self._t.labour[self.row]]

    @property
    def intensity(self) -> float:
        return float(self._t.intensity[self.row])

    def age(self, week: int | None = None) -> int:
        week = self.model.week if week is None else week
        return (week - int(self._t.birth_week[self.row])) // 52


class AdvisorView(mesa.Agent):
    """A veileder, read from the numba engine's tables."""

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def _t(self):
        return self.model.engine.advisors

    @property
    def advisor_id(self) -> int:
        return self.row

    @property
    def role(self) -> str:
        return ROLE[self._t.role[self.row]]

    @property
    def office(self) -> int:
        return int(self._t.office[self.row])

    @property
    def active(self) -> bool:
        return bool(self._t.active[self.row])

    @property
    def youths(self) -> int:
        return int(self._t.n_youths[self.row])

    @property
    def older(self) -> int:
        return int(self._t.older[self.row])

    @property
    def portfolio(self) -> int:
        return self.youths + self.older


def materialize(model: mesa.Model) -> None:
    """Register a view for every entered youth and every advisor slot not yet viewed."""
    engine = model.engine
    have = getattr(model, "_viewed", (0, 0))
    for row in range(have[0], engine.hi):
        YouthView(model, row)
    n_adv = len(engine.advisors.role)
    for row in range(have[1], n_adv):
        AdvisorView(model, row)
    model._viewed = (engine.hi, n_adv)
