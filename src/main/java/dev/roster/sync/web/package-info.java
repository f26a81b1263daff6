/** The admin API of directory sync: force-sync, cache drop, status. */
@NullMarked
package dev.roster.sync.web;

import org.jspecify.annotations.NullMarked;
