"""The sync engine (part 2): keeps Accounts, Contacts and Products in step between the CRM and
Desk. See docs/architecture.md, "How the sync works"."""
