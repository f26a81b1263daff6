/** Reading the audit log: who changed what, when, before and after. Writing it is {@code platform.AuditLog}. */
@NullMarked
package dev.roster.audit;

import org.jspecify.annotations.NullMarked;
