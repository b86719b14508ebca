"""The discovery models' names, as stored in a release's ``discovery_*`` tables.

Kept apart from :mod:`starchart.discovery.train` so that what answers from a trained model
(the site's "more like this") does not import what trains one (ibis, SciPy, PyArrow: most
of a second of a serving process's first request, under its interpreter lock)."""

VIEWING = "viewing"
CHARTING = "charting"
