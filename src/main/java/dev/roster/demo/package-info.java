@NullMarked
package dev.roster.demo;

import org.jspecify.annotations.NullMarked;
