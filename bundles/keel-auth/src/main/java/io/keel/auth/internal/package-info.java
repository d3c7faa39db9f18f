/** The permission arithmetic behind the auth store: merged key intervals per user. */
package io.keel.auth.internal;
