"""auditor — 政务公开合规审计 (compliance auditor for Chinese local-government disclosures)."""

__version__ = "0.1.0"
