"""The IT service desk's front door (issue 14): requester tickets, SLAs by priority,
satisfaction ratings and monitoring alerts that open incidents."""
