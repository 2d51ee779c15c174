"""The referral fixtures (real SMTP, both databases, test trials whose sites have email addresses)."""

from tests.referrals.conftest import *  # noqa: F403
