import Foundation

/// Whether a header says its column holds a secret, in the languages spreadsheets are written in:
/// such a column is never carried into the results unless `--carry` names it.
///
/// The header is split into words (at spaces, `_`, `-` and other punctuation, at a change from lower
/// to upper case as in `apiKey`, and between letters and digits), each folded to lowercase ASCII
/// letters (`Contraseña` → `contrasena`, `Schlüssel` → `schlussel`). A column is secret-looking when
/// one of its words, or that word without a plural `s`, is in ``words``; or a word ends with one of
/// ``compoundEndings`` (`clientsecret`, `Benutzerkennwort`); or the words run together contain one of
/// ``phrases`` (`Mot de passe`). Whole words keep `Keyword`, `Monkey`, `Compass` and `Spin` carried;
/// erring the other way (`Key Account`, `Boarding Pass` are withheld) costs only a `--carry`.
public enum SecretHeader {
    /// What kind of secret a header names, to suggest which field a withheld column may fill.
    public enum Kind: Sendable, Equatable {
        /// A password (`password`).
        case password
        /// A token (`accessToken`).
        case token
        /// A key, PIN, secret, certificate or other credential.
        case other
    }

    /// Whole words that name a secret.
    static let words: [String: Kind] = [
        // English
        "pass": .password, "pw": .password, "pwd": .password, "passwd": .password, "password": .password,
        "passcode": .password, "passphrase": .password, "pin": .other, "pincode": .other,
        "token": .token, "bearer": .token, "jwt": .token, "otp": .other,
        "secret": .other, "key": .other, "apikey": .other, "credential": .other, "cred": .other,
        "creds": .other, "certificate": .other, "cert": .other, "cvv": .other, "cvc": .other,
        // German, Dutch, Scandinavian, Finnish, Polish, Czech, Hungarian, Turkish, Italian
        "passwort": .password, "kennwort": .password, "wachtwoord": .password, "losenord": .password,
        "passord": .password, "adgangskode": .password, "salasana": .password, "haslo": .password,
        "heslo": .password, "jelszo": .password, "sifre": .password, "geheim": .other,
        "schlussel": .other, "zertifikat": .other, "zugangsdaten": .other, "sleutel": .other,
        "chiave": .other,
        // French, Spanish, Portuguese
        "mdp": .password, "contrasena": .password, "clave": .password, "senha": .password,
        "cle": .other, "secreto": .other, "segredo": .other, "chave": .other, "certificat": .other,
        "certificado": .other,
    ]

    /// Endings that make a word run together from several a secret (`clientsecret`, `apitoken`).
    static let compoundEndings: [(String, Kind)] = [
        ("password", .password), ("passwort", .password), ("passwd", .password), ("kennwort", .password),
        ("wachtwoord", .password), ("passphrase", .password), ("passcode", .password), ("contrasena", .password),
        ("secret", .other), ("token", .token), ("credential", .other), ("credentials", .other),
        ("apikey", .other), ("privatekey", .other),
    ]

    /// Phrases of several words, looked for in the words run together.
    static let phrases: [(String, Kind)] = [
        ("motdepasse", .password), ("password", .password), ("paroladordine", .password),
        ("apikey", .other), ("privatekey", .other), ("clientkey", .other), ("accesskey", .other),
    ]

    /// The kind of secret `header` names, or `nil` for a header that names none.
    public static func kind(of header: String) -> Kind? {
        let parts = words(of: header)
        for word in parts {
            if let kind = words[word] { return kind }
            if word.count > 1, word.hasSuffix("s"), let kind = words[String(word.dropLast())] { return kind }
            if let ending = compoundEndings.first(where: { word.hasSuffix($0.0) }) { return ending.1 }
        }
        let joined = parts.joined()
        return phrases.first { joined.contains($0.0) }?.1
    }

    /// Whether `header` names a secret.
    public static func isSecret(_ header: String) -> Bool {
        kind(of: header) != nil
    }

    /// The words of a header, folded to lowercase ASCII letters and digits.
    static func words(of header: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previous: Character?
        let characters = Array(header)
        for (index, character) in characters.enumerated() {
            guard let folded = fold(character) else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previous = nil
                continue
            }
            if let previous, !current.isEmpty {
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                let lowerToUpper = previous.isLowercase && character.isUppercase
                // `APIKey`: the last capital of a run that a lowercase letter follows starts a word.
                let acronymEnd = previous.isUppercase && character.isUppercase && (next?.isLowercase ?? false)
                let digitChange = previous.isNumber != character.isNumber
                if lowerToUpper || acronymEnd || digitChange {
                    words.append(current)
                    current = ""
                }
            }
            current += folded
            previous = character
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `character` as lowercase ASCII, its accents dropped; `nil` for a character that separates words.
    private static func fold(_ character: Character) -> String? {
        if character.isASCII {
            guard character.isLetter || character.isNumber else { return nil }
            return character.lowercased()
        }
        guard character.isLetter || character.isNumber else { return nil }
        // The first scalar of the canonical decomposition is the base letter (`ñ` → `n` + tilde).
        let base = String(character).decomposedStringWithCanonicalMapping.unicodeScalars.first!
        if base.isASCII { return String(base).lowercased() }
        switch character {
        case "ß": return "ss"
        case "ø", "Ø": return "o"
        case "æ", "Æ": return "ae"
        case "ł", "Ł": return "l"
        case "ı": return "i"
        default: return String(character).lowercased()
        }
    }
}
