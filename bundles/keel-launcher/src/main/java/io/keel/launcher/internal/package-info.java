/** bin/keel's launcher: flags, configuration, data-dir and snapshot restore, decided before Karaf starts. */
package io.keel.launcher.internal;
