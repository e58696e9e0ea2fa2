"""campaign: run a job seeker's direct-mail and follow-up campaign end to end.

The package reads as the pipeline: ``intake`` -> ``store`` -> ``batches`` ->
``merge``/``documents`` -> ``deliver`` -> ``followup`` -> ``report``; ``cli`` is a
thin layer of adapters over those plain functions.
"""

# The version, written only here: pyproject.toml reads it (tool.setuptools.dynamic).
__version__ = "0.1.0"
