"""The debrief, computed once and rendered: the record (:mod:`~sim.report.debrief`), the Markdown
report (:mod:`~sim.report.markdown`), the terminal summary (:mod:`~sim.report.text`) and one
news-wire line per event (:mod:`~sim.report.wire`)."""
