JSON.parse("{")
