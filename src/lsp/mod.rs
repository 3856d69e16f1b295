//! `claimlint lsp`: a Language Server over standard input/output (`lsp-server`, the transport
//! of rust-analyzer). Open documents are checked with every rule under the settings `check`
//! would give their path (`resolve`), and the findings are published as diagnostics; hover
//! names a segment, element or component as the guide does, with its loop and what the value
//! means; the outline is the loop tree; quick fixes are the rules' declared fixes.
//!
//! Changes are coalesced: every message already waiting is handled before any document is
//! re-checked, so a burst of keystrokes costs one check of the final text.

mod actions;
mod docs;
mod hover;
mod position;
mod symbols;

use crate::resolve::Resolver;
use claimlint_data::Data;
use docs::Documents;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeActionProviderCapability, HoverProviderCapability, OneOf, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind,
};

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves one client on standard input/output until it asks to exit.
pub fn run(resolver: Resolver, data: Data) -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    connection.initialize(caps).map_err(|e| e.to_string())?;
    let mut server = Server {
        docs: Documents::new(resolver),
        data,
    };
    server.serve(&connection)?;
    drop(connection);
    threads.join().map_err(|e| e.to_string())
}

struct Server {
    docs: Documents,
    data: Data,
}

impl Server {
    fn serve(&mut self, conn: &Connection) -> Result<(), String> {
        while let Ok(first) = conn.receiver.recv() {
            // Coalesce: everything already queued is handled before any re-check.
            let batch = std::iter::once(first).chain(conn.receiver.try_iter());
            for msg in batch.collect::<Vec<_>>() {
                match msg {
                    Message::Request(req) => {
                        if conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                            return Ok(());
                        }
                        let resp = self.request(req);
                        send(conn, Message::Response(resp))?;
                    }
                    Message::Notification(n) if n.method == "exit" => return Ok(()),
                    Message::Notification(n) => self.docs.notify(n),
                    Message::Response(_) => {}
                }
            }
            for (uri, diagnostics, version) in self.docs.recheck() {
                let params = lsp_types::PublishDiagnosticsParams {
                    uri,
                    diagnostics,
                    version,
                };
                let method = lsp_types::notification::PublishDiagnostics::METHOD;
                send(
                    conn,
                    Message::Notification(Notification::new(method.into(), params)),
                )?;
            }
        }
        Ok(())
    }

    fn request(&mut self, req: Request) -> Response {
        use lsp_types::request::{CodeActionRequest, DocumentSymbolRequest, HoverRequest};
        let result = match req.method.as_str() {
            HoverRequest::METHOD => {
                parse(req.params).map(|p| to_value(hover::hover(&self.docs, self.data, p)))
            }
            DocumentSymbolRequest::METHOD => {
                parse(req.params).map(|p| to_value(symbols::symbols(&self.docs, p)))
            }
            CodeActionRequest::METHOD => {
                parse(req.params).map(|p| to_value(actions::actions(&self.docs, p)))
            }
            _ => {
                return error(
                    req.id,
                    lsp_server::ErrorCode::MethodNotFound,
                    "not supported",
                );
            }
        };
        match result {
            Ok(value) => Response::new_ok(req.id, value),
            Err(e) => error(req.id, lsp_server::ErrorCode::InvalidParams, &e),
        }
    }
}

fn parse<P: serde::de::DeserializeOwned>(params: serde_json::Value) -> Result<P, String> {
    serde_json::from_value(params).map_err(|e| e.to_string())
}

fn to_value(v: impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

fn error(id: RequestId, code: lsp_server::ErrorCode, message: &str) -> Response {
    Response::new_err(id, code as i32, message.to_string())
}

fn send(conn: &Connection, msg: Message) -> Result<(), String> {
    conn.sender.send(msg).map_err(|e| e.to_string())
}
