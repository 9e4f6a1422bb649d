#!/usr/bin/env python3
"""Text helpers for generate-xmlenc.sh (python3 stdlib only).

Every cryptographic step is done by xmlsec1 or openssl in the shell script;
this file only writes templates and moves XML text around, byte for byte.

  wrap SRC WRAPPED ASSERTION [outer-ns|entra]
      SRC's Assertion inside a saml:EncryptedAssertion (WRAPPED), and the
      Assertion's exact bytes (ASSERTION). With outer-ns the Assertion's own
      xmlns="…assertion" moves to the EncryptedAssertion, so the plaintext
      relies on a declaration around it. With entra the EncryptedAssertion is
      unprefixed, in the default namespace, as Entra writes it. A Response
      signature in SRC is dropped (it covered the plaintext; sign-response
      signs the ciphertext).
  template CONTENT TRANSPORT [digest=URI] [label=B64] [x509] [entra]
      an xmlsec1 --encrypt template: EncryptedData with an inline EncryptedKey.
      With entra: ds:KeyInfo unprefixed (default namespace), the EncryptedKey
      under its own prefix e:, as Entra (and AD FS) write them.
  response-template DOC
      adds an Entra-shaped Response signature template (exc-c14n, rsa-sha256,
      sha256, Reference to the Response ID) after the Response's Issuer, for
      xmlsec1 --sign to sign over the EncryptedAssertion.
  plaintext KIND ASSERTION OUT
      an attack plaintext made from the signed Assertion's bytes: edited
      (a Role changed after signing), unsigned (its Signature removed),
      doctype (an internal DTD before it), two (the Assertion twice),
      wrapped-assertion (a forged unsigned Assertion holding the genuine one
      in its Advice), wrapped-other (the genuine one inside a saml:Advice
      root), not-xml (text), as-is (the bytes unchanged).
  advice DOC KIND
      puts a saml:Advice after the Conditions of DOC's Assertion, before it
      is signed: KIND assertion (another Assertion in it), signature (a
      ds:Signature in it). The IdP then signs what a decrypted Assertion may
      not hold.
  splice SRC ENCRYPTED_DATA OUT [entra]
      SRC's Assertion replaced by a saml:EncryptedAssertion holding the
      EncryptedData xmlsec1 wrote (for plaintexts encrypted as binary data).
  data-template CONTENT
      an xmlsec1 --encrypt template: EncryptedData without KeyInfo (the content
      key comes from --aeskey; the EncryptedKey is added by `attach`).
  attach DOC OUT PLACEMENT TRANSPORT CIPHER_B64_FILE [digest=URI] [mgf=URI]
         [label=B64] [x509=PEM] [recipient=TEXT]
      adds the EncryptedKey to the EncryptedData of DOC: PLACEMENT is inline
      (in EncryptedData/KeyInfo), retrieval (sibling, ds:RetrievalMethod) or
      keyname (sibling, ds:KeyName / CarriedKeyName).
  for-decrypt DOC OUT [no-keyinfo]
      the EncryptedData alone, Type removed, so that `xmlsec1 --decrypt`
      writes the raw plaintext bytes instead of replacing a node.
  same FILE1 FILE2
      exit 1 unless the two files are byte-identical.
"""
import re
import sys

from gen import read, write

XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
DS = "http://www.w3.org/2000/09/xmldsig#"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
ELEMENT = XENC + "Element"


def options(args):
    out = {}
    for a in args:
        key, _, value = a.partition("=")
        out[key] = value
    return out


def without_response_signature(doc):
    """The Response without its own Signature (the one right after its Issuer)."""
    issuer_end = doc.index("</Issuer>") + len("</Issuer>")
    if doc.startswith("<Signature ", issuer_end):
        end = doc.index("</Signature>", issuer_end) + len("</Signature>")
        doc = doc[:issuer_end] + doc[end:]
    return doc


def encrypted_assertion(body, style=None):
    if style == "entra":
        return '<EncryptedAssertion xmlns="%s">%s</EncryptedAssertion>' % (SAML, body)
    return '<saml:EncryptedAssertion xmlns:saml="%s">%s</saml:EncryptedAssertion>' % (SAML, body)


def wrap(src, wrapped, assertion, style=None):
    doc = without_response_signature(read(src))
    start = doc.index("<Assertion ")
    end = doc.rindex("</Assertion>") + len("</Assertion>")
    inner = doc[start:end]
    if style == "outer-ns":
        own = ' xmlns="%s"' % SAML
        assert inner.count(own) == 1, "the Assertion declares its namespace once"
        inner = inner.replace(own, "", 1)
        opening = '<saml:EncryptedAssertion xmlns:saml="%s"%s>' % (SAML, own)
        body = opening + inner + "</saml:EncryptedAssertion>"
    else:
        body = encrypted_assertion(inner, style)
    write(assertion, inner)
    write(wrapped, doc[:start] + body + doc[end:])


def splice(src, data_path, out, style=None):
    doc = without_response_signature(read(src))
    data = re.sub(r"\A<\?xml[^>]*\?>\n", "", read(data_path)).rstrip("\n")
    start = doc.index("<Assertion ")
    end = doc.rindex("</Assertion>") + len("</Assertion>")
    write(out, doc[:start] + encrypted_assertion(data, style) + doc[end:])


def advice(path, kind):
    import gen

    doc = read(path)
    if kind == "assertion":
        inner = '<Assertion ID="_nested_assertion" IssueInstant="%s" Version="2.0"><Issuer>%s</Issuer></Assertion>' % (
            gen.ISSUE_INSTANT,
            gen.ISSUER,
        )
    elif kind == "signature":
        inner = '<ds:Signature xmlns:ds="%s"/>' % DS
    else:
        raise SystemExit("gen_xmlenc.py: unknown advice " + kind)
    at = doc.index("</Conditions>") + len("</Conditions>")
    write(path, doc[:at] + "<Advice>" + inner + "</Advice>" + doc[at:])


def response_template(path):
    import gen

    doc = read(path)
    issuer_end = doc.index("</Issuer>") + len("</Issuer>")
    write(path, doc[:issuer_end] + gen.std_sig(gen.R) + doc[issuer_end:])


FORGED = "m4ll0ryPersistentIdOfTheAttacker000000000"


def plaintext(kind, assertion_path, out):
    genuine = read(assertion_path)
    signature = re.search(r"<Signature .*?</Signature>", genuine, re.S).group(0)
    unsigned = genuine.replace(signature, "", 1)
    if kind == "as-is":
        text = genuine
    elif kind == "edited":
        assert "role/Admin," in genuine
        text = genuine.replace("role/Admin,", "role/OwnedByMe,", 1)
    elif kind == "unsigned":
        text = unsigned
    elif kind == "doctype":
        text = '<!DOCTYPE Assertion [<!ENTITY who "%s">]>' % FORGED + genuine
    elif kind == "two":
        text = genuine + genuine
    elif kind == "wrapped-assertion":
        forged = re.sub(r">[^<]*</NameID>", ">%s</NameID>" % FORGED, unsigned, count=1)
        forged = forged.replace('ID="_a8f3e6d21', 'ID="_forged_a8f3e6d21', 1)
        at = forged.index("</Conditions>") + len("</Conditions>")
        text = forged[:at] + "<Advice>" + genuine + "</Advice>" + forged[at:]
    elif kind == "wrapped-other":
        text = '<saml:Advice xmlns:saml="%s">%s</saml:Advice>' % (SAML, genuine)
    elif kind == "not-xml":
        text = "this is not an XML document\n"
    else:
        raise SystemExit("gen_xmlenc.py: unknown plaintext " + kind)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def method(transport, opts):
    """The key transport EncryptionMethod (OAEPparams first, as the schema orders it)."""
    children = ""
    if opts.get("label"):
        children += "<xenc:OAEPparams>%s</xenc:OAEPparams>" % opts["label"]
    if opts.get("digest"):
        children += '<ds:DigestMethod xmlns:ds="%s" Algorithm="%s"/>' % (DS, opts["digest"])
    if opts.get("mgf"):
        children += '<xenc11:MGF xmlns:xenc11="%s" Algorithm="%s"/>' % (XENC11, opts["mgf"])
    if not children:
        return '<xenc:EncryptionMethod Algorithm="%s"/>' % transport
    return '<xenc:EncryptionMethod Algorithm="%s">%s</xenc:EncryptionMethod>' % (transport, children)


def template(content, transport, opts):
    if "entra" in opts:
        return entra_template(content, transport, opts)
    key_info = "<ds:KeyInfo><ds:X509Data/></ds:KeyInfo>" if "x509" in opts else ""
    return (
        '<xenc:EncryptedData xmlns:xenc="%s" Type="%s">'
        '<xenc:EncryptionMethod Algorithm="%s"/>'
        '<ds:KeyInfo xmlns:ds="%s"><xenc:EncryptedKey>%s%s'
        "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>"
        "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>\n"
        % (XENC, ELEMENT, content, DS, method(transport, opts), key_info)
    )


def entra_template(content, transport, opts):
    """ds unprefixed (default namespace), EncryptedKey under e:, DigestMethod SHA-1."""
    digest = opts.get("digest") or "http://www.w3.org/2000/09/xmldsig#sha1"
    return (
        '<xenc:EncryptedData xmlns:xenc="%s" Type="%s">'
        '<xenc:EncryptionMethod Algorithm="%s"/>'
        '<KeyInfo xmlns="%s"><e:EncryptedKey xmlns:e="%s">'
        '<e:EncryptionMethod Algorithm="%s"><DigestMethod Algorithm="%s"/></e:EncryptionMethod>'
        "<KeyInfo><X509Data/></KeyInfo>"
        "<e:CipherData><e:CipherValue/></e:CipherData></e:EncryptedKey></KeyInfo>"
        "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>\n"
        % (XENC, ELEMENT, content, DS, XENC, transport, digest)
    )


def data_template(content):
    return (
        '<xenc:EncryptedData xmlns:xenc="%s" Type="%s"><xenc:EncryptionMethod Algorithm="%s"/>'
        "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>\n" % (XENC, ELEMENT, content)
    )


def pem_body(path):
    text = read(path)
    return "".join(text.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0].split())


def attach(doc_path, out, placement, transport, cipher_file, opts):
    doc = read(doc_path)
    cipher = "".join(read(cipher_file).split())
    cipher = "\n".join(cipher[i : i + 64] for i in range(0, len(cipher), 64))
    key_info = ""
    if opts.get("x509"):
        key_info = "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo>" % (
            pem_body(opts["x509"])
        )
    attrs = ""
    if placement == "retrieval":
        attrs += ' Id="_k1"'
    if opts.get("recipient"):
        attrs += ' Recipient="%s"' % opts["recipient"]
    carried = "<xenc:CarriedKeyName>session-key-1</xenc:CarriedKeyName>" if placement == "keyname" else ""
    # Outside EncryptedData the xenc and ds prefixes are not in scope: declare them.
    decls = ' xmlns:xenc="%s" xmlns:ds="%s"' % (XENC, DS) if placement != "inline" else ""
    encrypted_key = "<xenc:EncryptedKey%s%s>%s%s<xenc:CipherData><xenc:CipherValue>%s</xenc:CipherValue></xenc:CipherData>%s</xenc:EncryptedKey>" % (
        decls,
        attrs,
        method(transport, opts),
        key_info,
        cipher,
        carried,
    )
    reference = {
        "inline": encrypted_key,
        "retrieval": '<ds:RetrievalMethod URI="#_k1" Type="%sEncryptedKey"/>' % XENC,
        "keyname": "<ds:KeyName>session-key-1</ds:KeyName>",
    }[placement]
    marker = re.search(r'<xenc:EncryptionMethod Algorithm="[^"]*"/>', doc)
    assert marker, "EncryptedData has its EncryptionMethod"
    at = marker.end()
    doc = doc[:at] + '<ds:KeyInfo xmlns:ds="%s">%s</ds:KeyInfo>' % (DS, reference) + doc[at:]
    if placement != "inline":
        end = doc.index("</xenc:EncryptedData>") + len("</xenc:EncryptedData>")
        doc = doc[:end] + encrypted_key + doc[end:]
    write(out, doc)


def for_decrypt(doc_path, out, no_key_info=False):
    doc = read(doc_path)
    start = doc.index("<xenc:EncryptedData")
    end = doc.index("</xenc:EncryptedData>") + len("</xenc:EncryptedData>")
    data = doc[start:end].replace(' Type="%s"' % ELEMENT, "", 1)
    if no_key_info:
        # EncryptedData's own KeyInfo: from its start to the last KeyInfo end
        # (an inline EncryptedKey holds a KeyInfo of its own).
        start = data.index("<ds:KeyInfo")
        end = data.rindex("</ds:KeyInfo>") + len("</ds:KeyInfo>")
        data = data[:start] + data[end:]
    write(out, data)


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "wrap":
        wrap(args[0], args[1], args[2], style=(args[3:] or [None])[0])
    elif cmd == "response-template":
        response_template(args[0])
    elif cmd == "advice":
        advice(args[0], args[1])
    elif cmd == "plaintext":
        plaintext(args[0], args[1], args[2])
    elif cmd == "splice":
        splice(args[0], args[1], args[2], style=(args[3:] or [None])[0])
    elif cmd == "template":
        sys.stdout.write(template(args[0], args[1], options(args[2:])))
    elif cmd == "data-template":
        sys.stdout.write(data_template(args[0]))
    elif cmd == "attach":
        attach(args[0], args[1], args[2], args[3], args[4], options(args[5:]))
    elif cmd == "for-decrypt":
        for_decrypt(args[0], args[1], no_key_info=args[2:] == ["no-keyinfo"])
    elif cmd == "same":
        with open(args[0], "rb") as a, open(args[1], "rb") as b:
            sys.exit(0 if a.read() == b.read() else 1)
    else:
        sys.exit("gen_xmlenc.py: unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
