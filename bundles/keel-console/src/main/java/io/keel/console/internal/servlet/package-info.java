/** The console as one jakarta.servlet servlet: URL routing, limits, headers and streaming over the plain-Java core. */
package io.keel.console.internal.servlet;
