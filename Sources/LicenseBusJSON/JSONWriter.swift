/// Writes ``JSONValue``s as JSON text with members in sorted order, so output is stable.
public enum JSONWriter {
    /// Compact text (no white space), for wire formats and `--json` output.
    /// - Parameter value: The value.
    /// - Returns: The JSON text.
    public static func compact(_ value: JSONValue) -> String {
        var output = ""
        write(value, into: &output, indent: nil, level: 0)
        return output
    }

    /// Indented text (two spaces), for people.
    /// - Parameter value: The value.
    /// - Returns: The JSON text.
    public static func pretty(_ value: JSONValue) -> String {
        var output = ""
        write(value, into: &output, indent: "  ", level: 0)
        return output
    }

    private static func write(_ value: JSONValue, into output: inout String, indent: String?, level: Int) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .integer(let number): output += String(number)
        case .decimal(let literal): output += literal
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            writeContainer(elements, open: "[", close: "]", into: &output, indent: indent, level: level) {
                write($0, into: &$1, indent: indent, level: level + 1)
            }
        case .object(let members):
            let sorted = members.sorted { $0.key < $1.key }
            let separator = indent == nil ? ":" : ": "
            writeContainer(sorted, open: "{", close: "}", into: &output, indent: indent, level: level) { member, text in
                writeString(member.key, into: &text)
                text += separator
                write(member.value, into: &text, indent: indent, level: level + 1)
            }
        }
    }

    private static func writeContainer<Element>(
        _ elements: [Element],
        open: String,
        close: String,
        into output: inout String,
        indent: String?,
        level: Int,
        writeElement: (Element, inout String) -> Void
    ) {
        output += open
        guard !elements.isEmpty else {
            output += close
            return
        }
        for (offset, element) in elements.enumerated() {
            if offset > 0 { output += "," }
            if let indent { output += "\n" + String(repeating: indent, count: level + 1) }
            writeElement(element, &output)
        }
        if let indent { output += "\n" + String(repeating: indent, count: level) }
        output += close
    }

    /// Appends `text` as a JSON string literal.
    static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
