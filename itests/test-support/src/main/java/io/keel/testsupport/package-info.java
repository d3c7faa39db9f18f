/** What Keel's test layers share: ports, etcdctl, child-process output, peer-link proxies, and scenario bodies. */
package io.keel.testsupport;
