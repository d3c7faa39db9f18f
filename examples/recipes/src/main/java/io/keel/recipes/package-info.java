/** Client-side coordination recipes over etcd's v3 gRPC API, explained in docs/RECIPES.md. */
package io.keel.recipes;
