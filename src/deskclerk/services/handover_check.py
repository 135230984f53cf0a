"""The handover fingerprints, for `deskclerk check` and the desk."""

from __future__ import annotations

from deskclerk.services import handover_fingerprint as fp
from deskclerk.services.context import Context


def verify_fingerprints(ctx: Context) -> list[str]:
    """Recompute the fingerprint of every signed handover; one plain sentence per finding.

    Both kinds in one list: records corrected through the history after signing
    (notices) and changes with no history entry, records gone or an edited sheet
    (problems).  `handover_fingerprint.fingerprint_findings` gives them apart.
    """
    notices, problems = fp.fingerprint_findings(ctx)
    return notices + problems
