"""One exception hierarchy, caught by its base class in one place (``cli.main``).

Every user mistake or setup problem is a ``CampaignError`` whose message says what
and where (file, row, column, key) in one line. Foreign errors (pandas, TOML, Jinja2,
docx, SMTP, SQLAlchemy) are wrapped where they happen into one of these.
"""


class CampaignError(Exception):
    """The user's input or setup is wrong; nothing was changed. Exit code 1."""

    exit_code = 1


class ConfigError(CampaignError):
    """campaign.toml or an environment variable is wrong."""


class InputError(CampaignError):
    """A file or argument the user gave can't be used."""


class TemplateError(CampaignError):
    """A letter template does not render."""


class StoreError(CampaignError):
    """The database can't be opened or written."""


class NoCampaign(CampaignError):
    """There is no campaign database here yet, and this command does not start one."""


class NotFound(CampaignError):
    """A prospect, send or task named by the user does not exist."""


class RunInProgress(CampaignError):
    """Another send run holds the lock."""


class DeliveryError(CampaignError):
    """SMTP setup is wrong before anything was sent (connection, login)."""


class PartialDelivery(CampaignError):
    """Some deliveries failed and are recorded as such; a re-run retries only those."""

    exit_code = 3
