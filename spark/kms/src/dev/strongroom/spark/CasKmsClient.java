package dev.strongroom.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.crypto.KeyAccessDeniedException;
import org.apache.parquet.crypto.ParquetCryptoRuntimeException;
import org.apache.parquet.crypto.keytools.KmsClient;

/**
 * parquet-java's KmsClient for Strongroom: wraps and unwraps keys through the KMS proxy that
 * this JVM's attested parent ({@code strongroom run --kms-proxy}, or {@code strongroom spark
 * submit} / {@code query --engine spark}) serves on a Unix socket named by STRONGROOM_KMS_SOCKET.
 * The parent holds the CAS token and forwards to CAS /v1/kms/wrap|unwrap; master keys never
 * reach this process, and no token or key is read from a file or the Hadoop configuration.
 *
 * <p>Protocol (Sources/Runtime/KMS/KMSProxyProtocol.swift): one JSON request line and one JSON
 * response line per connection. Wrapped keys are the text CAS returns (InMemoryKMS format), so
 * files written here read with every other Strongroom reader and the other way round.
 */
public final class CasKmsClient implements KmsClient {
  public static final String SOCKET_VARIABLE = "STRONGROOM_KMS_SOCKET";
  private static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private UnixDomainSocketAddress proxy;

  @Override
  public void initialize(Configuration conf, String kmsInstanceID, String kmsInstanceURL, String accessToken) {
    String path = System.getenv(SOCKET_VARIABLE);
    if (path == null || path.isEmpty()) {
      throw new ParquetCryptoRuntimeException(
          "no Strongroom KMS proxy: " + SOCKET_VARIABLE + " is not set (this JVM was not started by an attested"
              + " `strongroom run --kms-proxy`, `strongroom spark submit` or `strongroom query --engine spark`)");
    }
    proxy = UnixDomainSocketAddress.of(path);
  }

  @Override
  public String wrapKey(byte[] keyBytes, String masterKeyIdentifier) throws KeyAccessDeniedException {
    String request = "{\"op\":\"wrap\",\"master_key_id\":" + quote(masterKeyIdentifier)
        + ",\"key\":\"" + Base64.getEncoder().encodeToString(keyBytes) + "\"}\n";
    return call(request, "wrapped_key", "wrap a key with master key " + masterKeyIdentifier);
  }

  @Override
  public byte[] unwrapKey(String wrappedKey, String masterKeyIdentifier) throws KeyAccessDeniedException {
    String request = "{\"op\":\"unwrap\",\"master_key_id\":" + quote(masterKeyIdentifier)
        + ",\"wrapped_key\":" + quote(wrappedKey) + "}\n";
    String key = call(request, "key", "unwrap a key with master key " + masterKeyIdentifier);
    try {
      return Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      throw new ParquetCryptoRuntimeException("the KMS proxy returned a key that is not base64 (master key "
          + masterKeyIdentifier + ")");
    }
  }

  /** One request, one response; the field asked for, or the proxy's error (never a key) as an exception. */
  private String call(String request, String field, String what) throws KeyAccessDeniedException {
    byte[] requestBytes = request.getBytes(StandardCharsets.UTF_8);
    byte[] response;
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(proxy);
      ByteBuffer out = ByteBuffer.wrap(requestBytes);
      while (out.hasRemaining()) channel.write(out);
      response = readLine(channel);
    } catch (IOException e) {
      throw new ParquetCryptoRuntimeException("cannot " + what + ": the KMS proxy at " + proxy.getPath()
          + " is unreachable (" + e.getClass().getSimpleName() + ")");
    } finally {
      Arrays.fill(requestBytes, (byte) 0);
    }
    Map<String, String> fields;
    try {
      fields = FlatJson.parse(new String(response, StandardCharsets.UTF_8));
    } finally {
      Arrays.fill(response, (byte) 0);
    }
    String error = fields.get("error");
    if (error != null) throw new KeyAccessDeniedException("cannot " + what + ": " + error);
    String value = fields.get(field);
    if (value == null) throw new ParquetCryptoRuntimeException("cannot " + what + ": the KMS proxy's answer has no " + field);
    return value;
  }

  private static byte[] readLine(SocketChannel channel) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (true) {
      buffer.clear();
      int n = channel.read(buffer);
      if (n < 0) break;
      for (int i = 0; i < n; i++) {
        byte b = buffer.get(i);
        if (b == '\n') {
          Arrays.fill(buffer.array(), (byte) 0);
          return line.toByteArray();
        }
        line.write(b);
      }
      if (line.size() > MAX_RESPONSE_BYTES) throw new IOException("response too long");
    }
    Arrays.fill(buffer.array(), (byte) 0);
    return line.toByteArray();
  }

  /** A JSON string literal. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** The proxy answers one flat object of strings: {"key": "…"} / {"wrapped_key": "…"} / {"error": "…"}. */
  static final class FlatJson {
    private final String text;
    private int at;

    private FlatJson(String text) {
      this.text = text;
    }

    static Map<String, String> parse(String text) {
      FlatJson p = new FlatJson(text);
      Map<String, String> out = new HashMap<>();
      p.skipSpace();
      p.expect('{');
      p.skipSpace();
      if (p.peek() == '}') return out;
      while (true) {
        p.skipSpace();
        String name = p.string();
        p.skipSpace();
        p.expect(':');
        p.skipSpace();
        if (p.peek() == 'n' && text.startsWith("null", p.at)) {
          p.at += 4;
        } else {
          out.put(name, p.string());
        }
        p.skipSpace();
        char c = p.next();
        if (c == '}') return out;
        if (c != ',') throw malformed(p.at);
      }
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') return b.toString();
        if (c != '\\') { b.append(c); continue; }
        char e = next();
        switch (e) {
          case '"': case '\\': case '/': b.append(e); break;
          case 'b': b.append('\b'); break;
          case 'f': b.append('\f'); break;
          case 'n': b.append('\n'); break;
          case 'r': b.append('\r'); break;
          case 't': b.append('\t'); break;
          case 'u':
            if (at + 4 > text.length()) throw malformed(at);
            b.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
            break;
          default: throw malformed(at);
        }
      }
    }

    private void skipSpace() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
    }

    private char peek() {
      if (at >= text.length()) throw malformed(at);
      return text.charAt(at);
    }

    private char next() {
      char c = peek();
      at++;
      return c;
    }

    private void expect(char c) {
      if (next() != c) throw malformed(at - 1);
    }

    private static ParquetCryptoRuntimeException malformed(int offset) {
      return new ParquetCryptoRuntimeException("malformed answer from the KMS proxy at character " + offset);
    }
  }
}
