/** The keel:* Karaf console commands and their completers: each a few lines over one keel-api service. */
package io.keel.shell.internal.command;
