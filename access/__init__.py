"""Who may see and change what: `scope` (the querysets of what a user may read: 404 outside) and `permissions`
(what a role may change inside them: 403). The top of the dependency graph: it reads the models of every app, and
no model module imports it."""
