"""One module per kind of document; importing this package registers them all (documents.registry)."""
from . import (
    accompaniment_charter,  # noqa: F401
    activity_report,  # noqa: F401
    application_file,  # noqa: F401
    contract_amendment,  # noqa: F401
    contract_end,  # noqa: F401
    contract_suspension,  # noqa: F401
    implantation_contract,  # noqa: F401
    pay_amendment,  # noqa: F401
    project_sheet,  # noqa: F401
    release_certificate,  # noqa: F401
    state_convention,  # noqa: F401
    work_contract,  # noqa: F401
)
