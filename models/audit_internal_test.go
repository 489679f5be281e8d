package models

// AuditCheckForTest lets the tests ask what the audit log accepts.
var AuditCheckForTest = auditCheck
