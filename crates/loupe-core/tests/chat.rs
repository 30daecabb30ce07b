//! Chat messages read from every convention in the corpus. The expected roles and texts are
//! read from the files with `serde_json`, not from Loupe's output.

mod common;

use common::fixture;
use loupe_core::{Chat, SpanKind, TraceSet, import};
use serde_json::Value;

fn load(path: &str) -> (TraceSet, Value) {
    let bytes = fixture(path);
    let set = import(&bytes, path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    (set, file)
}

/// The chat of the first span named `name`.
fn chat_of(set: &TraceSet, name: &str) -> Chat {
    (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .find(|s| s.name() == name)
        .unwrap_or_else(|| panic!("no span named {name}"))
        .chat()
}

/// A JSON value that is JSON text inside a string, decoded.
fn decoded(v: &Value) -> Value {
    v.as_str()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null)
}

fn roles(chat: &[loupe_core::Message]) -> Vec<&str> {
    chat.iter().map(|m| m.role.as_str()).collect()
}

#[test]
fn otel_genai_messages_with_parts_tool_calls_and_results() {
    let (set, file) = load("other/otel-genai-client-span-attributes-flat.json");
    let attrs = file.get("attributes").unwrap_or(&file);
    let input = decoded(&attrs["gen_ai.input.messages"]);
    let output = decoded(&attrs["gen_ai.output.messages"]);
    let chat = set.span(0).chat();
    let expected_roles: Vec<&str> = input
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["role"].as_str())
        .collect();
    assert_eq!(roles(&chat.input), expected_roles);
    let call = &input[1]["parts"][1];
    assert_eq!(chat.input[1].tool_calls[0].name, call["name"]);
    let args: Value = serde_json::from_str(&chat.input[1].tool_calls[0].arguments)
        .unwrap_or_else(|e| panic!("arguments are JSON: {e}"));
    assert_eq!(args, call["arguments"]);
    let result = &input[2]["parts"][0];
    assert_eq!(chat.input[2].text, result["response"]);
    assert_eq!(chat.input[2].tool_call_id, result["id"]);
    assert_eq!(chat.output[0].text, output[0]["parts"][0]["content"]);
}

#[test]
fn openinference_indexed_messages_read_the_same_conversation() {
    let (set, file) = load("openinference/openinference-llm-span-attributes-flat.json");
    let a = file.get("attributes").unwrap_or(&file);
    let chat = set.span(0).chat();
    assert_eq!(chat.source, "llm.input_messages / llm.output_messages");
    assert_eq!(
        roles(&chat.input),
        [0, 1, 2].map(|i| a[format!("llm.input_messages.{i}.message.role")]
            .as_str()
            .unwrap_or_default())
    );
    assert_eq!(
        chat.input[0].text,
        a["llm.input_messages.0.message.contents.0.message_content.text"]
    );
    assert_eq!(
        chat.input[1].tool_calls[0].name,
        a["llm.input_messages.1.message.tool_calls.0.tool_call.function.name"]
    );
    assert_eq!(
        chat.input[2].tool_call_id,
        a["llm.input_messages.2.message.tool_call_id"]
    );
    assert_eq!(
        chat.output[0].text,
        a["llm.output_messages.0.message.contents.0.message_content.text"]
    );
}

#[test]
fn mlflow_span_inputs_and_outputs_hold_openai_messages() {
    let (set, file) = load("mlflow/rag-session-turn1.json");
    let span = file["data"]["spans"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == "claude")
        .unwrap_or_else(|| panic!("no claude span"));
    let inputs = decoded(&span["attributes"]["mlflow.spanInputs"]);
    let outputs = decoded(&span["attributes"]["mlflow.spanOutputs"]);
    let chat = chat_of(&set, "claude");
    let messages = inputs["messages"].as_array().cloned().unwrap_or_default();
    assert_eq!(chat.input.len(), messages.len());
    for (got, want) in chat.input.iter().zip(&messages) {
        assert_eq!(got.role, want["role"]);
        assert_eq!(got.text, want["content"]);
    }
    assert_eq!(
        chat.output[0].text,
        outputs["choices"][0]["message"]["content"]
    );
}

#[test]
fn langsmith_inputs_and_outputs_after_the_patch() {
    let (set, file) = load("langsmith/langsmith-py-wrap-openai-post-patch.json");
    let chat = chat_of(&set, "ChatOpenAI");
    let sent = &file["post"][0]["inputs"]["messages"][0];
    assert_eq!(
        (chat.input[0].role.as_str(), &chat.input[0].text),
        (
            "user",
            &sent["content"].as_str().unwrap_or_default().to_string()
        )
    );
    assert_eq!(
        chat.output[0].text,
        file["patch"][0]["outputs"]["choices"][0]["message"]["content"]
    );
}

#[test]
fn langfuse_openai_responses_output_is_a_tool_call() {
    let (set, file) = load("langfuse/langfuse-ui-export-openai-agents-2025-09-30.json");
    let call = file["observations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["name"] == "response")
        .flat_map(|o| {
            decoded(&o["output"])["output"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find(|item| item["type"] == "function_call")
        .unwrap_or_else(|| panic!("no function call in a response's output"));
    let calls: Vec<loupe_core::ToolCall> = (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .filter(|s| s.name() == "response")
        .flat_map(|s| s.chat().output)
        .flat_map(|m| m.tool_calls)
        .collect();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].name, call["name"]);
    assert_eq!(calls[0].arguments, call["arguments"]);
    assert_eq!(calls[0].id, call["call_id"]);
}

#[test]
fn vercel_prompt_messages_and_response_text() {
    let (set, file) = load("other/vercel-ai-sdk-doStream-span-attributes-opencode.json");
    let a = file.get("attributes").unwrap_or(&file);
    let prompt = decoded(&a["ai.prompt.messages"]);
    let chat = set.span(0).chat();
    let want: Vec<&str> = prompt
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["role"].as_str())
        .collect();
    assert_eq!(roles(&chat.input), want);
    assert_eq!(chat.output[0].text, a["ai.response.text"]);
}

#[test]
fn monocle_events_carry_tool_calls() {
    let (set, _) = load("other/monocle-otel-python-to_json-openai-agents-sdk.json");
    let llm = (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .find(|s| s.kind() == SpanKind::Llm)
        .unwrap_or_else(|| panic!("no LLM span"));
    let chat = llm.chat();
    assert_eq!(chat.source, "data.input / data.output events");
    let names: Vec<&str> = chat.output[0]
        .tool_calls
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["get_weather"; 3]);
}

#[test]
fn every_llm_call_in_the_corpus_with_messages_shows_some() {
    // Where an LLM span's JSON carries messages (a `messages` key, a `role`, an `input.value`
    // or MLflow's `spanInputs`), its chat is not empty.
    for dir in ["openinference", "langfuse", "langsmith", "mlflow"] {
        for path in common::fixtures_of(dir) {
            let set = import(&fixture(&path), &path).unwrap_or_else(|e| panic!("{path}: {e}"));
            for i in 0..set.span_count() as u32 {
                let s = set.span(i);
                let raw = s.raw_json();
                let carries = [
                    "messages",
                    "\\\"role\\\"",
                    "\"role\"",
                    "input.value",
                    "spanInputs",
                ]
                .iter()
                .any(|k| raw.contains(k));
                if s.kind() == SpanKind::Llm && carries {
                    assert!(
                        !s.chat().is_empty(),
                        "{path}: span {} has no chat",
                        s.name()
                    );
                }
            }
        }
    }
}

/// The chat of one OTLP span with string attributes.
fn chat_with(attrs: &[(&str, &str)]) -> Chat {
    let attrs: Vec<String> = attrs
        .iter()
        .map(|(k, v)| {
            let v = serde_json::to_string(v).unwrap_or_default();
            format!(r#"{{"key":"{k}","value":{{"stringValue":{v}}}}}"#)
        })
        .collect();
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"5b8efff798038103d269b633813fc60c",
        "spanId":"eee19b7ec3c1b174","name":"call","startTimeUnixNano":"1","endTimeUnixNano":"2",
        "attributes":[{}]}}]}}]}}]}}"#,
        attrs.join(",")
    );
    let set = import(doc.as_bytes(), "case.json").unwrap_or_else(|e| panic!("{e}"));
    set.span(0).chat()
}

#[test]
fn anthropic_content_blocks_give_text_tool_use_and_tool_results() {
    let chat = chat_with(&[
        (
            "input.value",
            r#"{"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"Weather?"}]},
               {"role":"assistant","content":[{"type":"tool_use","id":"tu_1","name":"weather","input":{"city":"Oslo"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"tu_1","content":"cold"}]}]}"#,
        ),
        (
            "output.value",
            r#"{"role":"assistant","content":[{"type":"text","text":"It is cold."}]}"#,
        ),
    ]);
    assert_eq!(roles(&chat.input), ["system", "user", "assistant", "user"]);
    assert_eq!(chat.input[0].text, "Be brief.");
    assert_eq!(chat.input[2].tool_calls[0].name, "weather");
    assert_eq!(chat.input[2].tool_calls[0].arguments, r#"{"city":"Oslo"}"#);
    assert_eq!(
        (
            chat.input[3].text.as_str(),
            chat.input[3].tool_call_id.as_str()
        ),
        ("cold", "tu_1")
    );
    assert_eq!(chat.output[0].text, "It is cold.");
}

#[test]
fn langchain_serialized_messages_and_generations() {
    let chat = chat_with(&[
        (
            "input.value",
            r#"{"messages":[[{"lc":1,"type":"constructor","id":["langchain","schema","messages","SystemMessage"],"kwargs":{"content":"sys"}},
               {"lc":1,"type":"constructor","id":["langchain","schema","messages","HumanMessage"],"kwargs":{"content":"hi"}}]]}"#,
        ),
        (
            "output.value",
            r#"{"generations":[[{"text":"","message":{"lc":1,"type":"constructor","id":["langchain","schema","messages","AIMessage"],
               "kwargs":{"content":"","tool_calls":[{"name":"search","args":{"q":"x"},"id":"c1"}]}}}]]}"#,
        ),
    ]);
    assert_eq!(roles(&chat.input), ["system", "user"]);
    assert_eq!(chat.input[1].text, "hi");
    assert_eq!(chat.output[0].role, "assistant");
    assert_eq!(chat.output[0].tool_calls[0].name, "search");
    assert_eq!(chat.output[0].tool_calls[0].arguments, r#"{"q":"x"}"#);
}

#[test]
fn openllmetry_indexed_prompts_and_completions() {
    let chat = chat_with(&[
        ("gen_ai.prompt.0.role", "system"),
        ("gen_ai.prompt.0.content", "You help."),
        ("gen_ai.prompt.1.role", "user"),
        ("gen_ai.prompt.1.content", "Add 2 and 3"),
        ("gen_ai.completion.0.role", "assistant"),
        ("gen_ai.completion.0.tool_calls.0.name", "add"),
        (
            "gen_ai.completion.0.tool_calls.0.arguments",
            r#"{"a":2,"b":3}"#,
        ),
    ]);
    assert_eq!(chat.source, "gen_ai.prompt / gen_ai.completion");
    assert_eq!(roles(&chat.input), ["system", "user"]);
    assert_eq!(chat.output[0].tool_calls[0].name, "add");
}

#[test]
fn plain_text_input_is_one_user_message() {
    let chat = chat_with(&[("input.value", "what is 2+2?"), ("output.value", "4")]);
    assert_eq!(roles(&chat.input), ["user"]);
    assert_eq!(chat.output[0].text, "4");
}
