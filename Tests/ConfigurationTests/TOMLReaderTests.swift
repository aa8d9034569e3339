import Testing

@testable import Configuration

@Suite("TOMLReader: supported syntax")
struct TOMLReaderTests {
    private func read(_ text: String) throws -> TOMLTable {
        try TOMLReader.parse(text, fileName: "test.toml")
    }

    @Test("comments, blank lines and CRLF line ends are skipped")
    func commentsAndBlankLines() throws {
        let table = try read("# heading\r\n\r\n  a = 1 # trailing\r\n\t# indented\nb = 2")
        #expect(table.keys == ["a", "b"])
        #expect(table["a"]?.integer == 1)
        #expect(table["b"]?.line == 5)
    }

    @Test("bare, quoted, literal and dotted keys")
    func keys() throws {
        let table = try read("""
            bare_key-1 = 1
            "quoted key" = 2
            'literal "key"' = 3
            site . "rack 1" . 'slot' = 4
            1234 = 5
            "" = 6
            """)
        #expect(table["bare_key-1"]?.integer == 1)
        #expect(table["quoted key"]?.integer == 2)
        #expect(table["literal \"key\""]?.integer == 3)
        #expect(table["site"]?.table?["rack 1"]?.table?["slot"]?.integer == 4)
        #expect(table["1234"]?.integer == 5)
        #expect(table[""]?.integer == 6)
    }

    @Test("tables, sub-tables, implicit parents and arrays of tables")
    func tables() throws {
        let table = try read("""
            [a.b.c]
            x = 1
            [a]
            y = 2
            [[list]]
            n = 1
            [list.detail]
            d = "one"
            [[list]]
            n = 2
            [ spaced . header ]
            z = true
            """)
        let a = try #require(table["a"]?.table)
        #expect(a["y"]?.integer == 2)
        #expect(a.line == 3)
        #expect(a["b"]?.table?["c"]?.table?["x"]?.integer == 1)
        let list = try #require(table["list"]?.array)
        #expect(list.count == 2)
        #expect(list[0].table?["detail"]?.table?["d"]?.string == "one")
        #expect(list[1].table?["n"]?.integer == 2)
        #expect(list[1].line == 9)
        #expect(table["spaced"]?.table?["header"]?.table?["z"]?.boolean == true)
    }

    @Test("dotted keys create tables that sub-table headers may extend")
    func dottedKeysAndSubTables() throws {
        let table = try read("""
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        let apple = try #require(table["fruit"]?.table?["apple"]?.table)
        #expect(apple.keys == ["color", "taste", "texture"])
        #expect(apple["texture"]?.table?["smooth"]?.boolean == true)
    }

    @Test("basic strings with every escape")
    func basicStrings() throws {
        let table = try read(#"s = "tab\tquote\"back\\nl\nu\u00E9U\U0001F50Cbf\b\f\r""#)
        #expect(table["s"]?.string == "tab\tquote\"back\\nl\nuéU🔌bf\u{08}\u{0C}\r")
    }

    @Test("literal strings keep backslashes")
    func literalStrings() throws {
        let table = try read(#"path = 'C:\chargers\new' "#)
        #expect(table["path"]?.string == #"C:\chargers\new"#)
    }

    @Test("multi-line strings: first newline trimmed, line-ending backslash, quotes inside")
    func multiLineStrings() throws {
        let table = try read("""
            a = \"\"\"
            one
            two\"\"\"
            b = \"\"\"joined \\
                  words\"\"\"
            c = \"\"\"say ""hi"\"\"\"\"
            d = '''
            raw \\n line'''
            e = ''''quoted'''''
            f = 1
            """)
        #expect(table["a"]?.string == "one\ntwo")
        #expect(table["b"]?.string == "joined words")
        #expect(table["c"]?.string == "say \"\"hi\"\"")
        #expect(table["d"]?.string == "raw \\n line")
        #expect(table["e"]?.string == "'quoted''")
        #expect(table["f"]?.line == 10)
    }

    @Test("integers: signs, underscores, hexadecimal, octal, binary, limits")
    func integers() throws {
        let table = try read("""
            a = +42
            b = -17
            c = 1_000_000
            d = 0xDEAD_beef
            e = 0o755
            f = 0b1101
            g = 9223372036854775807
            h = -9223372036854775808
            i = 0
            j = -0
            """)
        #expect(table["a"]?.integer == 42)
        #expect(table["b"]?.integer == -17)
        #expect(table["c"]?.integer == 1_000_000)
        #expect(table["d"]?.integer == 0xDEAD_BEEF)
        #expect(table["e"]?.integer == 0o755)
        #expect(table["f"]?.integer == 13)
        #expect(table["g"]?.integer == .max)
        #expect(table["h"]?.integer == .min)
        #expect(table["i"]?.integer == 0)
        #expect(table["j"]?.integer == 0)
    }

    @Test("floats: fractions, exponents, underscores, inf and nan")
    func floats() throws {
        let table = try read("""
            a = 3.1415
            b = -0.01
            c = 5e+22
            d = 6.626e-34
            e = 1_000.000_1
            f = inf
            g = -inf
            h = nan
            i = 1E2
            """)
        #expect(table["a"]?.float == 3.1415)
        #expect(table["b"]?.float == -0.01)
        #expect(table["c"]?.float == 5e22)
        #expect(table["d"]?.float == 6.626e-34)
        #expect(table["e"]?.float == 1000.0001)
        #expect(table["f"]?.float == .infinity)
        #expect(table["g"]?.float == -.infinity)
        #expect(table["h"]?.float?.isNaN == true)
        #expect(table["i"]?.float == 100)
    }

    @Test("booleans and offset date-times")
    func booleansAndDates() throws {
        let table = try read("""
            yes = true
            no = false
            utc = 2026-01-31T23:59:00Z
            spaced = 2026-01-31 23:59:00.250+01:00
            lower = 2024-02-29t00:00:00z
            """)
        #expect(table["yes"]?.boolean == true)
        #expect(table["no"]?.boolean == false)
        #expect(table["utc"]?.dateTime == "2026-01-31T23:59:00Z")
        #expect(table["spaced"]?.dateTime == "2026-01-31T23:59:00.250+01:00")
        #expect(table["lower"]?.dateTime == "2024-02-29T00:00:00Z")
    }

    @Test("arrays: mixed, nested, over several lines with comments and a trailing comma")
    func arrays() throws {
        let table = try read("""
            empty = []
            mixed = [1, "two", 3.0, true]
            nested = [[1, 2], ["a"]]
            long = [
                "first",   # the first
                # a comment line
                "second",
            ]
            after = 1
            """)
        #expect(table["empty"]?.array == [])
        #expect(table["mixed"]?.array?.map(\.typeName) == ["an integer", "a string", "a float", "a boolean"])
        #expect(table["nested"]?.array?[0].array?.compactMap(\.integer) == [1, 2])
        #expect(table["long"]?.array?.compactMap(\.string) == ["first", "second"])
        #expect(table["long"]?.array?[1].line == 7)
        #expect(table["after"]?.line == 9)
    }

    @Test("inline tables, with dotted keys and nesting, inside arrays")
    func inlineTables() throws {
        let table = try read("""
            point = { x = 1, y = 2 }
            empty = {}
            deep = { a.b = 1, c = { d = "e" } }
            list = [ { id = "A" }, { id = "B" } ]
            """)
        #expect(table["point"]?.table?.keys == ["x", "y"])
        #expect(table["empty"]?.table?.isEmpty == true)
        #expect(table["deep"]?.table?["a"]?.table?["b"]?.integer == 1)
        #expect(table["deep"]?.table?["c"]?.table?["d"]?.string == "e")
        #expect(table["list"]?.array?.compactMap { $0.table?["id"]?.string } == ["A", "B"])
    }

    @Test("a byte order mark at the start is ignored")
    func byteOrderMark() throws {
        let table = try TOMLReader.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("a = 1\n".utf8), fileName: "bom.toml")
        #expect(table["a"]?.integer == 1)
    }

    @Test("tables keep keys in file order")
    func order() throws {
        let table = try read("z = 1\na = 2\nm = 3")
        #expect(table.keys == ["z", "a", "m"])
        #expect(table.entries.map(\.value.line) == [1, 2, 3])
    }
}
