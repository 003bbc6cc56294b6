public enum StrongroomCryptoPlaceholder {}
