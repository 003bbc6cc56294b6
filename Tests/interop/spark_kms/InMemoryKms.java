package dev.strongroom.interop;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.crypto.KeyAccessDeniedException;
import org.apache.parquet.crypto.keytools.KeyToolkit;
import org.apache.parquet.crypto.keytools.KmsClient;

/**
 * Drop-in for parquet-java's test-only InMemoryKMS (parquet-hadoop's tests jar, which Spark
 * does not ship): master keys come from "parquet.encryption.key.list" ("id:base64, id:base64")
 * and data keys are wrapped with KeyToolkit.encryptKeyLocally, AAD = UTF-8 master key id, so
 * wrapped keys are byte-for-byte in InMemoryKMS's format. Development keys only.
 */
public final class InMemoryKms implements KmsClient {
  public static final String KEY_LIST_PROPERTY = "parquet.encryption.key.list";

  private final Map<String, byte[]> masterKeys = new HashMap<>();

  @Override
  public void initialize(Configuration conf, String kmsInstanceID, String kmsInstanceURL, String accessToken) {
    String list = conf.getTrimmed(KEY_LIST_PROPERTY, "");
    for (String entry : list.split(",")) {
      String item = entry.trim();
      if (item.isEmpty()) continue;
      int colon = item.indexOf(':');
      if (colon <= 0) throw new IllegalArgumentException("malformed entry in " + KEY_LIST_PROPERTY);
      masterKeys.put(item.substring(0, colon).trim(), Base64.getDecoder().decode(item.substring(colon + 1).trim()));
    }
  }

  @Override
  public String wrapKey(byte[] keyBytes, String masterKeyIdentifier) throws KeyAccessDeniedException {
    return KeyToolkit.encryptKeyLocally(keyBytes, masterKey(masterKeyIdentifier), aad(masterKeyIdentifier));
  }

  @Override
  public byte[] unwrapKey(String wrappedKey, String masterKeyIdentifier) throws KeyAccessDeniedException {
    return KeyToolkit.decryptKeyLocally(wrappedKey, masterKey(masterKeyIdentifier), aad(masterKeyIdentifier));
  }

  private byte[] masterKey(String id) throws KeyAccessDeniedException {
    byte[] key = masterKeys.get(id);
    if (key == null) throw new KeyAccessDeniedException("master key not found: " + id);
    return key;
  }

  private static byte[] aad(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }
}
