/** What a member's components report about its life, for the process's exit policy to act on. */
package io.keel.api.lifecycle;
