//! The chat view's message decoder: the bytes as a span's input and output payloads.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mid = (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let (input, output) = text.split_at(mid);
    let kv = |k: &str, v: &str| serde_json::json!({"key": k, "value": {"stringValue": v}});
    let doc = serde_json::json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
        "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
        "name": "llm", "startTimeUnixNano": "1", "endTimeUnixNano": "2",
        "attributes": [
            kv("gen_ai.input.messages", input), kv("gen_ai.output.messages", output),
            kv("input.value", input), kv("output.value", output),
            kv("mlflow.spanInputs", input), kv("mlflow.spanOutputs", output),
            kv("ai.prompt", input), kv("ai.response.text", output),
        ],
    }]}]}]});
    if let Ok(set) = loupe_core::import(doc.to_string().as_bytes(), "fuzz.json") {
        let _ = set.span(0).chat().shown();
    }
});
