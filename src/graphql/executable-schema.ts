import { buildASTSchema, parse, type GraphQLSchema, type GraphQLFieldResolver, isObjectType, isUnionType, isInterfaceType, type GraphQLTypeResolver } from 'graphql';
import { loadTypeDefs, resolvers } from './schema.js';

/**
 * SDL plus resolver maps -> an executable schema, without pulling in graphql-tools for the
 * handful of lines it takes.
 */
export function makeExecutableSchema(): GraphQLSchema {
  // No token list kept for the schema's whole life (3,400 tokens and their locations, 0.5 MB): the
  // directives the answer cache reads stay on the AST nodes.
  const schema = buildASTSchema(parse(loadTypeDefs(), { noLocation: true }));
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type) throw new Error(`Resolvers given for unknown type ${typeName}`);
    if (isUnionType(type) || isInterfaceType(type)) {
      const resolveType = fields.__resolveType;
      if (typeof resolveType === 'function') type.resolveType = resolveType as GraphQLTypeResolver<unknown, unknown>;
      continue;
    }
    if (!isObjectType(type)) throw new Error(`Cannot attach resolvers to ${typeName}`);
    const typeFields = type.getFields();
    for (const [fieldName, resolver] of Object.entries(fields)) {
      const field = typeFields[fieldName];
      if (!field) throw new Error(`Resolver ${typeName}.${fieldName} has no field in the schema`);
      field.resolve = resolver as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  return schema;
}
