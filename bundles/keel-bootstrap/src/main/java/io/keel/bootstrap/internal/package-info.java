/** The initial-membership strategies, plain Java: static and DNS SRV, chosen by the flags given. */
package io.keel.bootstrap.internal;
