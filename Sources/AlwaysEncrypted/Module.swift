// AlwaysEncrypted: issue 6.
