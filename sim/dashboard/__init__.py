"""``navsim dashboard``: a browser page (Solara) to pick a scenario, change its levers, run or
compare it with a baseline, and read and download the results.

``api`` is the only module that touches navsim's internals; ``app`` is the page and
``server`` starts it.
"""
