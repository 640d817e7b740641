public enum MockVersion {}
