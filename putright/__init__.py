"""PutRight: complaint handling to the Housing Ombudsman's Complaint Handling Code."""
