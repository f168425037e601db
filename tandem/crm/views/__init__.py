"""The CRM's pages: thin views over queries and actions."""
