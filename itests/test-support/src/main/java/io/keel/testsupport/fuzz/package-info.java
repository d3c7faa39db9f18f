/** A seeded mutation fuzzer for the parsers of outside input: corpus replay in CI, longer runs by property. */
package io.keel.testsupport.fuzz;
