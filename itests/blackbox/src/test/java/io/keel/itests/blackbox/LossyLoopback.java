package io.keel.itests.blackbox;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Packet loss below TCP on loopback, for chosen ports: an nftables rule that drops a share of the
 * packets to or from them at random, so TCP itself sees the loss (retransmissions, shrunken windows,
 * head-of-line waits) rather than a proxy's imitation of it. This kernel has no {@code netem}
 * queueing discipline; nftables' random numbers do the same for loss.
 *
 * <p>Only in a private network namespace (the test JVM's own, as {@code ./keel.sh test} runs the
 * black-box layer inside {@code unshare -n}): a rule on the host's loopback would touch every
 * process of the machine. {@link #possible()} says whether this JVM is in one and has {@code nft}.
 */
final class LossyLoopback implements AutoCloseable {
  private static final String TABLE = "keel_loss";
  private static final Pattern PACKETS = Pattern.compile("counter packets (\\d+)");
  /** nft is in /usr/sbin, which a test JVM's PATH may lack. */
  private static final String NFT = Files.isExecutable(Path.of("/usr/sbin/nft")) ? "/usr/sbin/nft" : "nft";

  private boolean closed;

  private LossyLoopback() {}

  /** Whether this JVM runs in a network namespace of its own (loopback only), with nftables installed. */
  static boolean possible() {
    return inPrivateNetworkNamespace() && (NFT.startsWith("/") || onPath("nft"));
  }

  /**
   * Whether this JVM's network namespace has loopback only, as one made by {@code unshare -n} has:
   * then a rule here can touch nothing but this namespace's own processes. (Comparing with pid 1's
   * namespace does not work everywhere: in some VMs the shell's is not pid 1's, nor readable.)
   */
  static boolean inPrivateNetworkNamespace() {
    try {
      List<NetworkInterface> all = Collections.list(NetworkInterface.getNetworkInterfaces());
      for (NetworkInterface nic : all) {
        if (!nic.isLoopback()) {
          return false;
        }
      }
      return !all.isEmpty();
    } catch (SocketException e) {
      return false;
    }
  }

  /**
   * Drops {@code percent} of the TCP packets whose source or destination port is one of {@code
   * ports}, until closed. Each packet on loopback passes the input hook once, so a connection loses
   * that share of its packets each way.
   */
  static LossyLoopback drop(int percent, Collection<Integer> ports) {
    if (percent < 1 || percent > 99 || ports.isEmpty()) {
      throw new IllegalArgumentException("loss of " + percent + "% on " + ports);
    }
    if (!inPrivateNetworkNamespace()) {
      throw new IllegalStateException("packet loss only in a network namespace with loopback only (unshare -n), never on the host's");
    }
    String set = ports.stream().map(String::valueOf).collect(Collectors.joining(", ", "{ ", " }"));
    String chance = "numgen random mod 100 < " + percent;
    nft("add table inet " + TABLE);
    nft("add chain inet " + TABLE + " input { type filter hook input priority 0 ; policy accept ; }");
    nft("add rule inet " + TABLE + " input tcp dport " + set + " " + chance + " counter drop");
    nft("add rule inet " + TABLE + " input tcp sport " + set + " " + chance + " counter drop");
    return new LossyLoopback();
  }

  /** How many packets the rules have dropped so far. */
  long dropped() {
    Matcher m = PACKETS.matcher(nft("list table inet " + TABLE));
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  /** Ends the loss; closing again does nothing. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      nft("delete table inet " + TABLE);
    }
  }

  private static String nft(String command) {
    List<String> cmd = new ArrayList<>(List.of(NFT));
    cmd.addAll(List.of(command.split(" ")));
    return Commands.run(Duration.ofSeconds(10), cmd.toArray(String[]::new));
  }


  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
